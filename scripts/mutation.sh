#!/usr/bin/env bash
# Mutation testing of the model's rules and parts: sim/model/rules.py, tenancy.py,
# allocation.py, waiting.py and shelter.py (the files and the tests it runs are in
# pyproject.toml, [tool.mutmut]). Not part of the default suite nor of CI.
#
#   pip install -e ".[mutation]"     (or: pip install "mutmut>=3.8")
#   scripts/mutation.sh              every mutant (results kept in mutants/: a second run
#                                    redoes only what changed)
#   scripts/mutation.sh --fresh      forget earlier results first
#   scripts/mutation.sh 'sim.model.shelter*'   only the mutants of one file
#   MUTATION_CHILDREN=2              mutants tested at once (default 2)
#
# It prints, per file and in total, mutants killed / all and the survivors; `mutmut show
# NAME` prints one survivor's change. The engine runs as pure Python (mutants are Python
# source), whatever is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--fresh" ]; then
    rm -rf mutants
    shift
fi
export SIM_PURE_PYTHON=1
unset PYTHONPATH  # the mutated copy in mutants/ must be the package the tests import

start=$(date +%s)
mutmut run --max-children "${MUTATION_CHILDREN:-2}" "$@"
echo "run time: $(( $(date +%s) - start )) s"
mutmut results --all true | python3 scripts/mutation_score.py
