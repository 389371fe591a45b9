def test_administrators_see_the_questions_and_receipts(client, catalogue, django_user_model):
    root = django_user_model.objects.create_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    for page in ("question", "receipt", "update"):
        assert client.get(f"/admin/intake/{page}/").status_code == 200


def test_residents_do_not_reach_the_admin(client, catalogue):
    client.force_login(catalogue["resident"])
    assert client.get("/admin/intake/question/").status_code == 302
