"""detectors.messages: a message formats only the parameters its template names."""

from __future__ import annotations

import string

from detectors.messages import _fields, catalogue, text


def test_fields_names_the_template_fields_or_none() -> None:
    assert _fields("{pollutant} at {value} {unit} for {hours!s:>4} h") == frozenset(
        {"pollutant", "value", "unit", "hours"}
    )
    assert _fields("{a.b} {c[0]}") == frozenset({"a", "c"})
    assert _fields("plain") == frozenset()
    for other in ("{0}", "{}", "{a:{width}}", "{"):
        assert _fields(other) is None


def test_text_with_extra_parameters_equals_the_full_format() -> None:
    """Every catalogue message renders as the template formatted with every parameter shown."""
    extra = {"rule": "r", "window_hours": 3.0, "params": {"x": 1}, "mean": 1234.5678}
    for msgid, templates in catalogue().items():
        for lang, template in templates.items():
            names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            params = {name: 0.123456 for name in names if name not in ("pollutant", "unit")}
            shown = {
                k: f"{v:.3g}" if isinstance(v, float) and abs(v) < 1000 else v
                for k, v in {**params, **extra}.items()
            }
            shown = {k: f"{v:.0f}" if isinstance(v, float) else v for k, v in shown.items()}
            if "pollutant" in names or "unit" in names:
                continue  # named through the catalogue: covered by the detectors' tests
            assert text(msgid, lang, **params, **extra) == template.format(**shown), msgid
