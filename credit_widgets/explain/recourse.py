"""What would change the answer: the smallest realistic change that turns a refusal favourable, or the best partial
step when none does, each one verified by the model that decided.

Levers (each with a direction and bounds; age, external scores, sex, family status and children never move):
- the loan's terms, for everyone: a down payment (less credit for the same goods), a cheaper purchase (credit and
  goods price down together), a longer term (lower annuity, up to MAX_TERM), a co-applicant (income only up);
- the applicant's history, for known clients, applied to their history aggregates: settle an overdue amount at
  another lender, repay or close active credits there, keep a card balance at zero for some months, make no new
  credit enquiries for some months; each says the time it needs and the amount.
At most two levers are combined.

Search: a one-lever change moves a handful of model features, each monotone in the lever's amount, so the model's
answer is constant between the amounts where one of them crosses a split threshold of the trees. One candidate per
such piece, at its edge nearest today's value, finds the smallest flip the bounds allow, exactly up to a whole euro
of credit or income (annuity and goods price follow to the cent, so the term and goods ratio stay today's); pairs of
levers use a coarser grid of those candidates (PAIR_STEPS per lever). Measured against an even grid of 300 amounts
per lever in tests/unit/explain/test_recourse.py; about 1,000 candidates in all, scored in one predict. Candidates
are scored in one batch on the decision's own feature vector (ratios recomputed with the FeatureBuilder's
`application_ratios`), then the chosen ones are scored again through the model that decided (`score_variants`, or
`score_history_variants` for history levers) and only those scores are shown. If the two ever disagree the whole
set goes through the decider.
Through the scoring API (`remote.ApiScorer`, `history_levers = False`) only the loan's levers are searched:
the served model takes application rows and could not verify a change of history.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..decision.applicant import Applicant
from ..decision.rules import favourable
from ..decision.validate import consistency_problem
from ..features.builder import RATIO_SOURCES, application_ratios
from ..features.history import safe_ratio
from .levers import (  # noqa: F401
    DIRECTIONS,
    ENQUIRY_COLUMNS,
    FORBIDDEN,
    MAX_ANNUITY_SHARE,
    MAX_TERM,
    PAIR_STEPS,
    Step,
    _given,
    application_steps,
    history_steps,
)


class Suggestion:
    """A change and the probability it gives, verified by the model that decided."""

    def __init__(self, kind: str, changes: dict, probability: float, threshold: float, *, steps=(),
                 from_probability: float | None = None):
        self.kind, self.changes, self.probability = kind, changes, float(probability)
        self.threshold = float(threshold)
        self.favourable = favourable(self.probability, threshold)
        self.steps = list(steps)
        self.from_probability = from_probability

    # what the page and the notice read
    @property
    def levers(self) -> tuple:
        return tuple(s.lever for s in self.steps) or (self.kind,)

    @property
    def history(self) -> dict:
        return {k: v for s in self.steps for k, v in s.history.items()}

    @property
    def months(self) -> int:
        return max((s.months for s in self.steps), default=0)

    @property
    def reaches_threshold(self) -> bool:
        return self.favourable

    @property
    def partial(self) -> bool:
        return self.kind != "headroom" and not self.favourable

    def __repr__(self):
        return f"Suggestion({self.kind}, {self.changes}, {self.history}, p={self.probability:.4f})"

    def text(self, lang: str = "fr") -> str:
        """The change in words ("Apport personnel : crédit de 180 000 € ... + Régler les 3 200 € ...")."""
        from ..text import i18n

        if self.kind == "headroom":
            text = i18n.t("change:more_credit", lang, value=i18n.amount(self.changes["AMT_CREDIT"], lang))
            return text + _annuity_note(self.changes, lang)
        steps = self.steps or [Step(self.kind, self.changes)]
        return " + ".join(_step_text(s, self.changes, lang) for s in steps)

    def summary(self, lang: str = "fr") -> str:
        """The change with what it reaches: a flip, or how far a partial step gets against the threshold."""
        from ..text import i18n

        # as many decimals as the figures need to read differently (7.48 % against 7.50 %; from 9.03 % to 9.02 %)
        shares = [self.probability, self.threshold]
        if self.partial and self.from_probability is not None:
            shares.append(self.from_probability)
        decimals = i18n.decimals_apart(*shares)
        p, t = i18n.percent(self.probability, lang, decimals), i18n.percent(self.threshold, lang, decimals)
        if self.partial and self.from_probability is not None:
            return i18n.t("recourse:partial", lang, step=self.text(lang), t=t, to=p,
                          **{"from": i18n.percent(self.from_probability, lang, decimals)})
        return i18n.t("recourse:flip" if self.kind != "headroom" else "recourse:headroom", lang,
                      step=self.text(lang), to=p, t=t)


def _annuity_note(changes: dict, lang: str) -> str:
    from ..text import i18n

    if "AMT_ANNUITY" not in changes:
        return ""
    return " " + i18n.t("recourse:annuity_note", lang, value=i18n.amount(changes["AMT_ANNUITY"], lang))


def _step_text(step: Step, changes: dict, lang: str) -> str:
    from ..text import i18n

    amount = i18n.amount(step.amount, lang) if step.amount is not None else ""
    if step.lever == "down_payment":
        return i18n.t("change:AMT_GOODS_PRICE", lang, value=i18n.amount(changes["AMT_CREDIT"], lang)) + \
            _annuity_note(changes, lang)
    if step.lever == "smaller_purchase":
        return i18n.t("recourse:smaller_purchase", lang, goods=i18n.amount(changes["AMT_GOODS_PRICE"], lang),
                      value=i18n.amount(changes["AMT_CREDIT"], lang)) + _annuity_note(changes, lang)
    if step.lever == "longer_term":
        text = i18n.t("change:AMT_ANNUITY", lang, value=i18n.amount(changes["AMT_ANNUITY"], lang))
        return text + (f" ({i18n.t('recourse:term', lang, months=i18n.number(step.term, lang, 0))})"
                       if step.term else "")
    if step.lever == "co_applicant":
        return i18n.t("change:AMT_INCOME_TOTAL", lang, value=i18n.amount(changes["AMT_INCOME_TOTAL"], lang))
    return i18n.t(f"recourse:{step.lever}", lang, amount=amount, months=step.months, count=step.count)


# ---- combining, scoring, choosing ------------------------------------------------------------------------------

_CREDIT_LEVERS = ("down_payment", "smaller_purchase")
_DEBT_LEVERS = ("settle_overdue", "repay_debt", "close_credits")   # they move the same sums: never two of them


@dataclass
class Candidate:
    steps: tuple
    changes: dict
    history: dict
    effort: float

    @property
    def key(self) -> tuple:
        return tuple(s.lever for s in self.steps)


def _combine(steps: tuple) -> Candidate:
    changes, history = {}, {}
    for s in steps:
        changes.update(s.changes)
        history.update(s.history)
    term = next((s.term for s in steps if s.lever == "longer_term"), None)
    if term and any(s.lever in _CREDIT_LEVERS for s in steps):
        changes["AMT_ANNUITY"] = float(round(changes["AMT_CREDIT"] / term, 2))   # less credit over the longer term
    return Candidate(steps, {k: float(v) for k, v in changes.items()}, history, sum(s.effort for s in steps))


def _compatible(a: str, b: str) -> bool:
    return not ({a, b} <= set(_CREDIT_LEVERS) or {a, b} <= set(_DEBT_LEVERS) or a == b)


def _thin(steps: list, count: int) -> list:
    if len(steps) <= count:
        return steps
    return [steps[i] for i in np.unique(np.linspace(0, len(steps) - 1, count).round().astype(int))]


def candidates(model, decision) -> list[Candidate]:
    """Every single-lever step, and pairs of compatible levers on a coarser grid."""
    levers = {**application_steps(model, decision), **history_steps(model, decision)}
    found = [_combine((s,)) for steps in levers.values() for s in steps]
    names = list(levers)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if _compatible(a, b):
                found += [_combine((x, y)) for x in _thin(levers[a], PAIR_STEPS) for y in _thin(levers[b], PAIR_STEPS)]
    return [c for c in found if _allowed(c.changes, decision.inputs)]


def _allowed(changes: dict, inputs: dict) -> bool:
    for column, value in changes.items():
        low, high = _BOUNDS[column]
        if not low <= value <= high:
            return False
    credit, annuity = changes.get("AMT_CREDIT", inputs.get("AMT_CREDIT")), changes.get("AMT_ANNUITY",
                                                                                         inputs.get("AMT_ANNUITY"))
    income = changes.get("AMT_INCOME_TOTAL", inputs.get("AMT_INCOME_TOTAL"))
    if _given(annuity) and _given(income) and "AMT_ANNUITY" in changes and annuity > (inputs.get("AMT_ANNUITY") or 0) \
            and annuity / income > MAX_ANNUITY_SHARE:
        return False   # never a heavier annuity than the applicant can carry
    if consistency_problem({**inputs, **changes}, before=inputs) is not None:
        return False   # a change the input contract would refuse (goods price out of step with the credit)
    if not (_given(annuity) and _given(credit)):
        return True
    # a term past the longest one offered is never proposed; a loan already past it (as asked) may still change in
    # other ways, as long as the term does not get longer
    before_credit, before_annuity = inputs.get("AMT_CREDIT"), inputs.get("AMT_ANNUITY")
    longest = MAX_TERM
    if _given(before_credit) and _given(before_annuity) and before_annuity > 0:
        longest = max(MAX_TERM, before_credit / before_annuity)
    return annuity <= credit and credit / annuity <= longest + 1e-9


def _field_bounds() -> dict:
    from ..data.schema import FIELDS

    return {c: (FIELDS[c].min, FIELDS[c].max) for c in ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE",
                                                        "AMT_INCOME_TOTAL")}


_BOUNDS = _field_bounds()


def _rows(decision, found: list[Candidate], keep_missing: bool = False) -> tuple[list[dict], list[dict]]:
    """Application rows (enquiry columns are application inputs) and client-model history overrides. Missing
    inputs are left out rather than None (the builder reads an absent column as missing; a column of None would
    take pandas' slow path for text, which makes most of a small batch's time)."""
    rows, histories = [], []
    given = decision.inputs if keep_missing else {k: v for k, v in decision.inputs.items() if v is not None}
    for c in found:
        app = {k: v for k, v in c.history.items() if k in ENQUIRY_COLUMNS}
        rows.append({**given, **c.changes, **app})
        histories.append({k: v for k, v in c.history.items() if k not in ENQUIRY_COLUMNS})
    return rows, histories


def score_history_variants(model, decision, rows: list[dict], histories: list[dict]) -> np.ndarray:
    """A known client's variants with their history aggregates changed, through the FeatureBuilder (which recomputes
    the ratios, BUREAU_DEBT_INCOME_RATIO included) and the model that decided: the history counterpart of
    `score_variants`."""
    builder = model.scoring.builder
    ids = -np.arange(1, len(rows) + 1)   # one id per variant: the builder joins history by id
    frame = pd.DataFrame(rows).drop(columns=["SK_ID_CURR"], errors="ignore")
    frame["SK_ID_CURR"] = ids
    table = builder.history_frame(np.tile(np.asarray(decision.features, dtype=float), (len(rows), 1)), ids, histories)
    return model.scoring.predict_proba(builder.transform({"application_test": frame}, history=table))


def score(model, decision, found: list[Candidate]) -> np.ndarray:
    """The model that decided, on each candidate: `score_variants` for application changes, the history
    counterpart as soon as one of them changes the history."""
    if not found:
        return np.empty(0)
    rows, histories = _rows(decision, found)
    if any(histories):
        return score_history_variants(model, decision, rows, histories)
    return np.asarray(model.score_variants(decision, rows), dtype=float)


def _fast_scores(model, decision, found: list[Candidate]) -> np.ndarray | None:
    """The same scores, computed on the decision's feature vector (one matrix, one predict); None when that vector
    is not in this model's feature space."""
    # the deciding model's own features: the application model's for a prospect, the client model's otherwise
    prospect = getattr(decision, "model", "client") == "application" and getattr(model, "application", None)
    features = decision.model_features if prospect else decision.features
    index = model.app_index if prospect else model.feature_index
    scorer = model.application if prospect else model.scoring
    if features is None or len(features) != len(index):
        return None
    matrix = np.tile(np.asarray(features, dtype=np.float32), (len(found), 1))
    changed = [{**c.changes, **c.history} for c in found]
    for name in set().union(*changed):
        if name in index:
            values = np.array([row.get(name, np.nan) for row in changed], dtype=float)
            given = np.array([name in row for row in changed])
            matrix[given, index[name]] = values[given]
    amounts = {"AMT_CREDIT", "AMT_ANNUITY", "AMT_INCOME_TOTAL", "AMT_GOODS_PRICE"}
    needed = sorted({s for r in RATIO_SOURCES.values() for s in r})
    if all(n in index for n in needed):
        frame = pd.DataFrame(matrix[:, [index[n] for n in needed]].astype(float), columns=needed)
        ratios = application_ratios(frame)
        for name, sources in RATIO_SOURCES.items():
            if name in index and amounts & set(sources):
                matrix[:, index[name]] = ratios[name].to_numpy()
    if "BUREAU_DEBT_INCOME_RATIO" in index:
        debt = np.nan_to_num(matrix[:, index["BUREAU_ACTIVE_DEBT_SUM"]].astype(float))
        matrix[:, index["BUREAU_DEBT_INCOME_RATIO"]] = safe_ratio(debt, matrix[:, index["AMT_INCOME_TOTAL"]])
    return scorer.predict_proba(matrix)


def _choose(decision, found: list[Candidate], p: np.ndarray, threshold: float, limit: int) -> list[int]:
    """Refused: the smallest flip per lever (or pair), fewest levers first; when nothing flips, the step of each
    lever that gets lowest, lowest first (and only steps that lower the risk)."""
    best: dict[tuple, int] = {}
    flips = [i for i in range(len(found)) if favourable(p[i], threshold)]
    for i in flips:
        k = found[i].key
        if k not in best or found[i].effort < found[best[k]].effort:
            best[k] = i
    if best:
        return sorted(best.values(), key=lambda i: (len(found[i].steps), found[i].effort))[:limit]
    for i in range(len(found)):
        k = found[i].key
        if p[i] < decision.probability - 1e-4 and (k not in best or (p[i], found[i].effort) <
                                                   (p[best[k]], found[best[k]].effort)):
            best[k] = i
    return sorted(best.values(), key=lambda i: (p[i], found[i].effort))[:limit]


def _headroom(decision) -> list[Candidate]:
    credit, annuity = decision.inputs.get("AMT_CREDIT"), decision.inputs.get("AMT_ANNUITY")
    if not _given(credit):
        return []
    found = []
    # 1 % steps, in order: "possible up to X" must hold for every amount on the way, and a tree model's risk need not
    # rise steadily with the amount (a refused amount between two favourable ones was seen with 5 % steps)
    for factor in np.arange(1.01, 4.001, 0.01):
        changes = {"AMT_CREDIT": float(round(credit * factor))}
        if _given(annuity):
            changes["AMT_ANNUITY"] = float(round(annuity * factor))
        if not _allowed(changes, decision.inputs):
            break   # the run ends where an amount may not be offered: a gap in it would go unchecked
        found.append(Candidate((Step("headroom", changes, effort=factor - 1),), changes, {}, factor - 1))
    return found


def suggest(model, decision, limit: int = 3) -> list[Suggestion]:
    """Refused: up to `limit` smallest changes that make the answer favourable, or, when none exists within the
    bounds, the best partial steps with the probability they reach. Favourable: how much more credit would still be
    favourable (one suggestion of kind "headroom"). Every probability shown is the decider's."""
    threshold = decision.threshold   # the deciding model's (prospects and clients have their own)
    found = _headroom(decision) if decision.favourable else candidates(model, decision)
    if not found:
        return []

    def pick(p):
        if decision.favourable:
            # the end of the first unbroken run of favourable amounts, never past a refused one
            run = 0
            while run < len(found) and favourable(p[run], threshold):
                run += 1
            return [run - 1] if run else []
        return _choose(decision, found, p, threshold, limit)

    fast = _fast_scores(model, decision, found)
    chosen = pick(fast) if fast is not None else None
    if not chosen:
        checked = []
    elif decision.favourable:   # headroom speaks for every amount on the way: the decider checks them all
        checked = list(range(chosen[0] + 1))
    else:
        checked = chosen
    verified = score(model, decision, [found[i] for i in checked]) if checked else np.empty(0)
    if chosen is None or not np.allclose(verified, fast[checked], atol=1e-6):
        every = score(model, decision, found)          # the fast scores disagree with the decider: trust the decider
        chosen = pick(every)
        verified = every[chosen]
    elif decision.favourable:
        verified = verified[chosen]
    out = []
    for i, p in zip(chosen, verified):
        c = found[i]
        kind = "headroom" if decision.favourable else (c.steps[0].lever if len(c.steps) == 1 else "combined")
        out.append(Suggestion(kind, c.changes, p, threshold, steps=c.steps if kind != "headroom" else (),
                              from_probability=decision.probability))
    return out


def apply(model, decision, suggestion: Suggestion):
    """The decision once a suggestion is applied (history changes included), as `rescore` does for the form."""
    if not suggestion.history:
        return model.rescore(decision, suggestion.changes)
    found = Candidate(tuple(suggestion.steps), suggestion.changes, suggestion.history, 0.0)
    rows, histories = _rows(decision, [found], keep_missing=True)
    builder = model.scoring.builder
    table = builder.history_frame(decision.features, [decision.client_id], histories)
    frame = pd.DataFrame([rows[0]]).drop(columns=["SK_ID_CURR"], errors="ignore")
    frame["SK_ID_CURR"] = decision.client_id
    features = builder.transform({"application_test": frame}, history=table).to_numpy(np.float32)[0]
    applicant = Applicant(decision.client_id, decision.row, rows[0], changed=True)
    return model.decide_features(features[None, :], [applicant])[0]
