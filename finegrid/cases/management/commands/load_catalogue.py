from django.core.management.base import BaseCommand, CommandError

from finegrid.cases.catalogue import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = (
        "Loads a category catalogue (finegrid's default when no FILE is given): creates the missing "
        "categories and first rule versions, and changes nothing that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a catalogue JSON file (default: finegrid's own)")

    def handle(self, *args, file=None, **options):
        try:
            counts = load_catalogue(file)
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{counts['categories']} categories, {counts['rules']} rules and {counts['conditions']} "
            f"conditions created; {counts['existing']} categories already there"
        )
