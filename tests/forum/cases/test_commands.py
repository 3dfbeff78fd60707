import json
import re

import pytest
from django.core.management import CommandError, call_command

from forum.cases.models import RoutingModel

pytestmark = pytest.mark.django_db


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_routing_eval_prints_precision_recall_and_accuracy_last(tmp_path, routing_model, capsys):
    examples = [
        {"text": "卫生间漏水，楼下天花板湿了", "department": "engineering"},
        {"text": "垃圾两天没人清理，保安也不管", "department": "property"},
        {"text": "建议增加儿童游乐设施和沙坑", "department": "design"},
        {"text": "外墙开裂渗水", "department": "engineering"},
    ]
    path = write_lines(
        tmp_path / "eval.jsonl", [json.dumps(e, ensure_ascii=False) for e in examples]
    )

    call_command("routing_eval", path)

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == ["department", "precision", "recall", "support"]
    assert {line.split()[0] for line in lines[1:-3]} == {"design", "engineering", "property"}
    assert lines[-3].startswith("threshold=0.")
    assert re.fullmatch(r"auto=(0|1)\.\d{4} auto_precision=((0|1)\.\d{4}|n/a)", lines[-2])
    assert lines[-1] == "accuracy=1.0000 n=4"


def test_routing_eval_names_the_line_of_a_malformed_example(tmp_path, routing_model):
    path = write_lines(
        tmp_path / "bad.jsonl",
        [
            '{"text": "漏水", "department": "engineering"}',
            "{not json",
            '{"text": "噪音", "department": "marketing"}',
            '{"department": "design"}',
        ],
    )

    with pytest.raises(CommandError) as error:
        call_command("routing_eval", path)

    message = str(error.value)
    assert "line 2: not valid JSON" in message
    assert 'line 3: unknown department code "marketing"' in message
    assert 'line 4: missing or empty "text"' in message


def test_routing_eval_on_the_held_out_seed_split(routing_model, capsys):
    from forum.cases.routing import SEED_EXAMPLES

    call_command("routing_eval", str(SEED_EXAMPLES), "--split", "test")

    last = capsys.readouterr().out.strip().splitlines()[-1]
    accuracy, n = last.split()
    assert n == "n=100"
    assert float(accuracy.removeprefix("accuracy=")) >= 0.85


def test_routing_train_stores_a_new_version(db, capsys):
    call_command("routing_train")

    assert RoutingModel.objects.get().version == 1
    assert "held-out accuracy=" in capsys.readouterr().out


def test_cases_tick_opens_missed_cases(complaint_forum, member, capsys):
    from forum.cases.models import Case
    from tests.conftest import make_topic

    topic = make_topic(forum=complaint_forum, poster=member, subject="没赶上任务的投诉")

    call_command("cases_tick", "--no-train")

    assert Case.objects.filter(topic=topic).exists()
    assert "opened=1" in capsys.readouterr().out
