from oauth2_provider.oauth2_validators import OAuth2Validator

# What the province's register knows about each test person.
PEOPLE = {
    "citizen": {"name": "赵六", "phone_number": "13500135000", "id_number": "11010519491231002X"},
}


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "id_number": "profile"}

    def get_additional_claims(self, request):
        return dict(PEOPLE.get(request.user.username, {}))
