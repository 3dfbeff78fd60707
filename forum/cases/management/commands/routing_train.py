from django.core.management.base import BaseCommand

from forum.cases.routing import train


class Command(BaseCommand):
    help = "Train the case router on the seed examples and moderators' decisions (new version)."

    def handle(self, *args, **options):
        model = train()
        accuracy = (
            f"{model.held_out_accuracy:.4f}" if model.held_out_accuracy is not None else "n/a"
        )
        self.stdout.write(
            f"routing model v{model.version}: {model.examples} examples "
            f"({model.labelled_cases} moderator labels), held-out accuracy={accuracy}"
        )
