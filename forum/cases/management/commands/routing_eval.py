import json

from django.core.management.base import BaseCommand, CommandError

from forum.cases import routing
from forum.cases.models import Department

MAX_ERRORS = 20


def read_examples(path: str, codes: set[str], split: str | None = None) -> list[dict]:
    """Each line {"text": "...", "department": "<code>"}; errors name the line."""
    examples, errors = [], []
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                example = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {number}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(example, dict):
                errors.append(f"line {number}: expected an object with text and department")
                continue
            if split and example.get("split") != split:
                continue
            text, code = example.get("text"), example.get("department")
            if not isinstance(text, str) or not text.strip():
                errors.append(f'line {number}: missing or empty "text"')
            elif not isinstance(code, str) or not code:
                errors.append(f'line {number}: missing "department"')
            elif code not in codes:
                errors.append(
                    f'line {number}: unknown department code "{code}" '
                    f"(known: {', '.join(sorted(codes))})"
                )
            else:
                examples.append({"text": text, "department": code})
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        raise CommandError(f"{path}: {len(errors)} bad line(s)\n" + "\n".join(errors))
    if not examples:
        raise CommandError(f"{path}: no examples")
    return examples


class Command(BaseCommand):
    help = (
        "Evaluate the case router's classifier on a JSONL file of "
        '{"text": ..., "department": ...}: per-department precision and recall, then '
        "auto=<share> auto_precision=<p> (the share the router would assign without a "
        "moderator, and how often those are right), and accuracy=<0..1> n=<N> as the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--split",
            help='Only lines whose "split" field has this value (e.g. test: the held-out part '
            "of the shipped seed examples).",
        )
        parser.add_argument(
            "--with-rules",
            action="store_true",
            help="Apply the administrators' routing rules first, as live routing does.",
        )

    def handle(self, *args, file, split=None, with_rules=False, **options):
        codes = set(Department.objects.values_list("code", flat=True))
        examples = read_examples(file, codes, split)
        if routing.current_model() is None:
            self.stderr.write("No routing model yet: training one from the seed examples.")
            routing.train()
        threshold = routing.confidence_threshold()
        predicted, alone = [], []
        for example in examples:
            suggestion = (
                routing.route(text=example["text"])
                if with_rules
                else routing.route_by_model(text=example["text"])
            )
            department = suggestion.department if suggestion else None
            predicted.append(department.code if department else "")
            alone.append(department is not None and suggestion.confidence >= threshold)
        labels = sorted({e["department"] for e in examples} | (set(predicted) - {""}))
        self.stdout.write(f"{'department':<16} {'precision':>9} {'recall':>7} {'support':>7}")
        for label in labels:
            true_positive = sum(
                p == label and e["department"] == label
                for p, e in zip(predicted, examples, strict=True)
            )
            predicted_n = sum(p == label for p in predicted)
            support = sum(e["department"] == label for e in examples)
            precision = true_positive / predicted_n if predicted_n else 0.0
            recall = true_positive / support if support else 0.0
            self.stdout.write(f"{label:<16} {precision:>9.3f} {recall:>7.3f} {support:>7}")
        auto_hits = sum(
            a and p == e["department"] for a, p, e in zip(alone, predicted, examples, strict=True)
        )
        auto_n = sum(alone)
        auto_precision = f"{auto_hits / auto_n:.4f}" if auto_n else "n/a"
        self.stdout.write(f"threshold={threshold:.4f}")
        self.stdout.write(f"auto={auto_n / len(examples):.4f} auto_precision={auto_precision}")
        hits = sum(p == e["department"] for p, e in zip(predicted, examples, strict=True))
        self.stdout.write(f"accuracy={hits / len(examples):.4f} n={len(examples)}")
