import json

from finegrid.bench import insight as bench
from finegrid.insight import heldout, store
from finegrid.insight.corpus import generate


def test_the_bench_figures_come_from_real_runs(places, models_folder, small_model, monkeypatch):
    monkeypatch.setenv("FINEGRID_DEMO", "1")  # the analyze process measured for memory has no test runner
    store.save(small_model, "test")
    figures = bench.urgency_figures(small_model, bench.URGENCY_SETS["final"])
    assert 0 < figures["urgency_precision"] <= 1 and 0 < figures["urgency_recall"] <= 1
    lines = [json.dumps({"id": str(i), "text": r["text"]}, ensure_ascii=False) for i, r in enumerate(generate(60, 9))]
    speed = bench.speed(small_model, lines, repeats=1, places=False)
    assert speed["speed_appeals"] == 60 and speed["analyze_per_s"] > 0 and speed["baseline_sklearn_labels_only_per_s"] > 0
    assert speed["analyze_with_embeddings_per_s"] > 0
    # The encoder's weights alone are tens of megabytes, so the second process must weigh more.
    assert 0 < speed["analyze_process_peak_mb"] < speed["analyze_process_peak_mb_with_embeddings"]
    fresh = bench.fresh_process(small_model, lines, repeats=1, places=False, appeals=120)
    assert fresh["analyze_fresh_process_appeals"] == 120 and fresh["analyze_fresh_process_per_s"] > 0
    # One appeal's run is the start-up alone: it cannot take much more CPU than the whole run.
    assert 0 < fresh["analyze_fresh_process_start_up_cpu_s"] <= fresh["analyze_fresh_process_cpu_s"] + 0.5


def test_topic_cross_validation_reports_macro_f1(models_folder, monkeypatch):
    monkeypatch.setattr(store, "SEED_SIZE", 300)
    rows = [{"text": r["text"], "title": r["title"], "label": r["topic"]}
            for r in generate(400, 4) if r["topic"] in ("教育文体", "环境保护")]
    figures = bench.topic_cv(rows)
    assert figures["topic_macro_f1_district_only"] > 0.8


def test_emerging_terms_on_dated_messages():
    rows = [{"time": f"2019/{m}/3 10:00:00", "title": "", "text": "小区停车难"} for m in (9, 10, 11) for _ in range(60)]
    rows += [{"time": "2019-12-05 10:00:00", "title": "", "text": "搅拌站粉尘太大"} for _ in range(100)]
    figures = bench.real_emerging_terms(rows)
    assert figures["emerging_month"].startswith("2019-12")
    assert any(term.startswith("搅拌站") for term in figures["emerging_terms"])


def test_every_row_is_printed_beside_its_training_side_figure_and_the_gap(small_model):
    figures = bench.seed_corpus_figures(small_model, size=300)
    assert 0.5 < figures["seed_corpus_topic_accuracy"] <= 1 and 0 < figures["seed_corpus_urgency_recall"] <= 1
    figures |= {"held_out_topic_accuracy": 0.7, "held_out_topic_accuracy_set2": 0.8,
                "held_out_topic_accuracy_set4": 0.65,
                "topic_macro_f1_train_held_out": 0.9, "topic_macro_f1_train": 0.95}
    lines = bench.row_table(figures)
    assert len(lines) == 1 + len(bench.ROWS)
    topic = next(line for line in lines if line.startswith("topic accuracy, seed model"))
    gap = figures["seed_corpus_topic_accuracy"] - 0.65  # against the worst of the held-out sets measured
    assert f"{gap:+.3f}" in topic and "not met" in topic
    sets = len(heldout.APPEAL_SETS)
    assert topic.split()[4:4 + sets] == ["0.700", "0.800", "—", "0.650", *["—"] * (sets - 4)]  # set 3 not given here
    real = next(line for line in lines if line.startswith("topic macro-F1"))
    assert "+0.050" in real and real.endswith(" met")
    street = next(line for line in lines if line.startswith("street"))
    assert "—" in street and street.endswith("not measured")  # no figure measured here, none made up
