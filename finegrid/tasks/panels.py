"""The leader's overview panel "重点工作" (declared on the AppConfig)."""
