"""The words of the report of a Bayesian fit (``sim calibrate --method abc``) in English
and Norwegian bokmål; :data:`sim.report.words.TEXT` holds them with the others."""

from __future__ import annotations

from sim.analysis.labels import Phrases

POSTERIOR_TEXT: Phrases = {
    # sim calibrate --method abc
    "title_abc": ("Bayesian calibration: {name}", "Bayesiansk kalibrering: {name}"),
    "question_abc": (
        "What the reported counts say about the uncertain values of {name}: a posterior of "
        "{population} particles after {generations} generations ({candidates} candidates "
        "simulated, {n} replications each), starting from the priors of the calibration spec.",
        "Hva de rapporterte tallene sier om de usikre verdiene i {name}: en "
        "a posteriori-fordeling av {population} partikler etter {generations} generasjoner "
        "({candidates} kandidater simulert, {n} replikasjoner hver), med utgangspunkt i "
        "a priori-fordelingene i kalibreringsspesifikasjonen.",
    ),
    "abc_coverage": (
        "{inside} of {total} fitted targets lie inside their 90 % posterior predictive "
        "interval (what the model gives over the posterior's values, chance and the "
        "discrepancy term together).",
        "{inside} av {total} tilpassede mål ligger innenfor sitt 90 % prediktive intervall "
        "(det modellen gir over verdiene i a posteriori-fordelingen, med tilfeldighet og "
        "avviksleddet til sammen).",
    ),
    "abc_holdout": (
        "{inside} of {total} targets of the years held out of the fit lie inside their 90 % "
        "predictive interval.",
        "{inside} av {total} mål fra årene som ble holdt utenfor tilpasningen, ligger "
        "innenfor sitt 90 % prediktive intervall.",
    ),
    "abc_pinned": (
        "The counts pin down (contraction in brackets, 1 at most): {names}.",
        "Tallene bestemmer (innsnevring i parentes, høyst 1): {names}.",
    ),
    "abc_loose": (
        "The counts do not pin down: {names}; their posterior stays close to their prior, "
        "and answers that depend on them carry that uncertainty.",
        "Tallene bestemmer ikke: {names}; a posteriori-fordelingen ligger nær "
        "a priori-fordelingen, og svar som avhenger av disse verdiene, bærer med seg den "
        "usikkerheten.",
    ),
    "abc_parameter": (
        "{parameter}: {mean} (90 % credible interval {low} to {high}; before the counts "
        "{prior_low} to {prior_high}); contraction {contraction}, {verdict}",
        "{parameter}: {mean} (90 % kredibilitetsintervall {low} til {high}; før tallene "
        "{prior_low} til {prior_high}); innsnevring {contraction}, {verdict}",
    ),
    "abc_few_effective": (
        "The posterior rests on {effective} effective particles of {particles} (its weights "
        "are uneven): its intervals and contractions are too narrow to trust; run a larger "
        "population or more replications.",
        "A posteriori-fordelingen hviler på {effective} effektive partikler av {particles} "
        "(vektene er skjeve): intervallene og innsnevringene er for smale til å stole på; "
        "kjør med flere partikler eller flere replikasjoner.",
    ),
    "abc_tempered": (
        "The fit stopped before its temperature reached 1 (last: {temperature}): the sample "
        "is wider than the posterior; run more generations.",
        "Tilpasningen stoppet før temperaturen nådde 1 (siste: {temperature}): utvalget er "
        "bredere enn a posteriori-fordelingen; kjør flere generasjoner.",
    ),
    "abc_how_to_read": (
        "Each uncertain value starts from a prior: the values thought plausible before "
        "looking at the counts (from a report's statement, or wide where nothing is known). "
        "The fit keeps the values under which the model reproduces the reported counts, "
        "allowing for chance and for the model's own error (the discrepancy term), and gives "
        "the posterior: the values still plausible after the counts. The 90 % credible "
        "interval is where a value lies with 90 % probability, given the priors and the "
        "counts. Contraction compares the spread after the counts with the spread before: "
        "near 1 the counts pin the value down; near 0 they say nothing about it and the "
        "prior alone decides. The posterior predictive check runs the model at values drawn "
        "from the posterior: a reported count inside its 90 % interval is one the model, "
        "with its uncertainty, can produce; counts outside show where model and data "
        "disagree. The model answers under its stated assumptions; it does not forecast.",
        "Hver usikre verdi starter fra en a priori-fordeling: de verdiene som er rimelige "
        "før man ser på tallene (fra et utsagn i en rapport, eller bred der ingenting er "
        "kjent). Tilpasningen beholder verdiene som gjør at modellen gjengir de rapporterte "
        "tallene, med rom for tilfeldighet og for modellens egen feil (avviksleddet), og "
        "gir a posteriori-fordelingen: verdiene som fortsatt er rimelige etter tallene. "
        "Et 90 % kredibilitetsintervall er der verdien ligger med 90 % sannsynlighet, gitt "
        "a priori-fordelingene og tallene. Innsnevringen sammenligner spredningen etter "
        "tallene med spredningen før: nær 1 fastlegger tallene verdien; nær 0 sier de "
        "ingenting om den, og a priori-fordelingen alene avgjør. Den prediktive kontrollen "
        "kjører modellen med verdier trukket fra a posteriori-fordelingen: et rapportert "
        "tall innenfor sitt 90 % intervall er et tall modellen, med sin usikkerhet, kan "
        "gi; tall utenfor viser hvor modell og data ikke stemmer overens. Modellen svarer "
        "under sine oppgitte antagelser; den er ingen prognose.",
    ),
    "table_abc_parameters": ("Prior and posterior", "A priori og a posteriori"),
    "abc_parameters_note": (
        "Each value before the counts (prior) and after them (posterior): mean, and 5th, "
        "50th and 95th percentile (the 5th to the 95th is the 90 % interval). Contraction: "
        "1 − posterior variance / prior variance.",
        "Hver verdi før tallene (a priori) og etter (a posteriori): gjennomsnitt og 5., 50. "
        "og 95. persentil (fra 5. til 95. persentil er 90 %-intervallet). Innsnevring: "
        "1 − varians a posteriori / varians a priori.",
    ),
    "table_abc_predictive": ("Posterior predictive check", "Prediktiv kontroll"),
    "abc_predictive_note": (
        "Each reported count against the model run at values drawn from the posterior, one "
        "replication each, with the discrepancy term added: mean and 90 % interval (5th to "
        "95th percentile). Rows of years held out of the fit are predictions the fit did "
        "not see.",
        "Hvert rapportert tall mot modellen kjørt med verdier trukket fra "
        "a posteriori-fordelingen, én replikasjon hver, med avviksleddet lagt til: "
        "gjennomsnitt og 90 %-intervall (5. til 95. persentil). Rader for år som ble holdt "
        "utenfor tilpasningen, er forutsigelser tilpasningen ikke har sett.",
    ),
    "table_abc_generations": ("Generations", "Generasjoner"),
    "abc_generations_note": (
        "The fit (ABC-SMC) generation by generation: the temperature falls to 1, where the "
        "sample is the posterior; candidates simulated and accepted, the acceptance rate, "
        "and the effective sample size of the weighted particles.",
        "Tilpasningen (ABC-SMC) generasjon for generasjon: temperaturen synker mot 1, der "
        "utvalget er a posteriori-fordelingen; kandidater simulert og akseptert, "
        "akseptraten og effektiv utvalgsstørrelse for de vektede partiklene.",
    ),
    "abc_parameter_name": ("Parameter", "Parameter"),
    "abc_prior": ("Prior", "A priori-fordeling"),
    "abc_low": ("Lowest allowed", "Laveste tillatte"),
    "abc_high": ("Highest allowed", "Høyeste tillatte"),
    "abc_prior_mean": ("Prior, mean", "A priori, gjennomsnitt"),
    "abc_prior_p05": ("Prior, 5th percentile", "A priori, 5. persentil"),
    "abc_prior_p50": ("Prior, median", "A priori, median"),
    "abc_prior_p95": ("Prior, 95th percentile", "A priori, 95. persentil"),
    "abc_posterior_mean": ("Posterior, mean", "A posteriori, gjennomsnitt"),
    "abc_posterior_p05": ("Posterior, 5th percentile", "A posteriori, 5. persentil"),
    "abc_posterior_p50": ("Posterior, median", "A posteriori, median"),
    "abc_posterior_p95": ("Posterior, 95th percentile", "A posteriori, 95. persentil"),
    "abc_contraction": ("Contraction", "Innsnevring"),
    "abc_predicted_mean": ("Predicted, mean", "Predikert, gjennomsnitt"),
    "abc_predicted_p05": ("Predicted, 5th percentile", "Predikert, 5. persentil"),
    "abc_predicted_p95": ("Predicted, 95th percentile", "Predikert, 95. persentil"),
    "abc_inside": (
        "Inside the 90 % predictive interval",
        "Innenfor 90 % prediktivt intervall",
    ),
    "abc_generation": ("Generation", "Generasjon"),
    "abc_temperature": ("Temperature", "Temperatur"),
    "abc_candidates": ("Candidates simulated", "Kandidater simulert"),
    "abc_accepted": ("Accepted", "Akseptert"),
    "abc_acceptance_rate": ("Acceptance rate", "Akseptrate"),
    "abc_effective_sample_size": ("Effective sample size", "Effektiv utvalgsstørrelse"),
    "abc_method": ("Method", "Metode"),
    "abc_method_value": (
        "Bayesian: approximate Bayesian computation (ABC-SMC)",
        "Bayesiansk: tilnærmet bayesiansk beregning (ABC-SMC)",
    ),
    "abc_search_seed": ("Seed of the fit", "Frø for tilpasningen"),
    "abc_population": ("Particles", "Partikler"),
    "abc_generations": ("Generations", "Generasjoner"),
    "abc_predictive_draws": (
        "Draws of the predictive check",
        "Trekninger i den prediktive kontrollen",
    ),
    "abc_final_temperature": ("Final temperature", "Siste temperatur"),
    "abc_discrepancy": ("Discrepancy term", "Avviksledd"),
}
