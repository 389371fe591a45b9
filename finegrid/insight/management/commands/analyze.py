"""`finegrid analyze [--model PATH] < appeals.jsonl > labelled.jsonl`."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from finegrid.insight import store
from finegrid.insight.places import snapshot_gazetteer
from finegrid.insight.stream import analyze


class Command(BaseCommand):
    # The system checks import every URLconf and view of every app (openpyxl, jieba, the API…):
    # seconds of start-up that labelling a stream never uses. `finegrid check` runs them.
    requires_system_checks = []
    stealth_options = ("stdin",)
    help = "Label appeals read as JSON lines on standard input (id, text, title): topic, request type, urgency, place, duplicates."

    def add_arguments(self, parser):
        parser.add_argument("--model", help="a model file (default: the active model)")
        parser.add_argument("--no-places", action="store_true", help="skip place extraction (no gazetteer needed)")
        parser.add_argument("--paraphrases", action="store_true",
                            help="compare reports at one place by meaning too (loads the sentence encoder, ~2 s); "
                                 "on by default for a model with an embedding head")

    def handle(self, *args, model=None, no_places=False, **options):
        try:
            label_model = store.load_path(model) if model else store.active_model()
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot load the model: {error}")
        gazetteer = None if no_places else snapshot_gazetteer()  # a fresh process: start-up matters
        lines = options.get("stdin") or sys.stdin  # call_command(stdin=…) in tests
        for line in analyze(lines, label_model, gazetteer, paraphrases=options["paraphrases"] or None):
            self.stdout.write(json.dumps(line, ensure_ascii=False))
        self.stdout.flush()
