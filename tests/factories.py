import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from portal.members.models import UnitOwnership

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.Sequence(lambda n: f"会员{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class UnitOwnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitOwnership

    member = factory.SubFactory(UserFactory)
    building = "1栋"
    unit = factory.Sequence(lambda n: f"{1000 + n}")
