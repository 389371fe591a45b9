from django.core.management.base import BaseCommand, CommandError

from finegrid.intake.questions import QuestionsError, load_questions


class Command(BaseCommand):
    help = (
        "Loads the categories' extra questions (finegrid's default when no FILE is given): creates the "
        "missing ones for the categories the catalogue has, and changes nothing that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a questions JSON file (default: finegrid's own)")

    def handle(self, *args, file=None, **options):
        try:
            counts = load_questions(file)
        except QuestionsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{counts['questions']} questions created (file version {counts['version']}); "
                          f"{counts['missing_categories']} of its categories are not in this catalogue")
