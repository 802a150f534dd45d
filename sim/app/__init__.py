"""The seminar app (``sim app``): a Streamlit front end over the package.

The app imports :mod:`sim`; nothing in :mod:`sim` imports the app (``sim app`` only
names its page script, :mod:`sim.app.page`, for Streamlit to run). Streamlit is an
optional dependency: ``pip install ".[app]"``.

- :mod:`sim.app.controls`: the controls of the trade-off page as scenario changes;
- :mod:`sim.app.runs`: runs with a warm worker pool and a cache of repeated settings,
  cancelled when the page is stopped;
- :mod:`sim.app.budget`: a run's estimated work, and the run budget;
- :mod:`sim.app.sources`: the baselines the browser may choose by name, and pasted or
  uploaded scenario text, checked like any scenario file;
- :mod:`sim.app.text`: every label in English and Norwegian (bokmål);
- :mod:`sim.app.charts`, :mod:`sim.app.tradeoff_page`, :mod:`sim.app.other_pages`,
  :mod:`sim.app.page`: what is drawn (the about page reads :mod:`sim.config.comments`).
"""
