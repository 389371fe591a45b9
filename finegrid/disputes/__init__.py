"""矛盾纠纷: the dispute register and its people's mediation (人民调解), run by the case engine."""
