"""The top: the public petition pages, the organiser's home and petition
page, and the wiring that joins the features (the worker's jobs, the table of
email renderers, what happens when a threshold is reached, the demo). It may
import anything; nothing imports it."""
