"""`jobmatch model train` and `jobmatch model evaluate`: the learned scoring model."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from jobmatch.config import settings_of


@click.group("model")
def model_group():
    """The matching model learned from the ledger's offer outcomes."""


@model_group.command("train")
@click.option("--min-examples", default=200, show_default=True)
@with_appcontext
def train(min_examples):
    """Train on accepted/declined offers and lasting hires; store it at MATCH_MODEL_PATH."""
    from jobmatch.db import get_session
    from jobmatch.services.offers.model_training import train_from_ledger

    result = train_from_ledger(get_session(), settings_of(current_app).match_model_path, min_examples=min_examples)
    click.echo(result.message)


@model_group.command("evaluate")
@with_appcontext
def evaluate():
    """precision@5 and nDCG@10 on a time split (train on earlier offers, test on later), beside the default model."""
    from jobmatch.db import get_session
    from jobmatch.services.offers.model_training import training_examples
    from matching.model import evaluate as evaluate_model

    examples = training_examples(get_session())
    labels = {e["label"] for e in examples}
    if len(examples) < 20 or labels != {0, 1}:
        click.echo(f"not enough history to evaluate: {len(examples)} labelled offers", err=True)
        sys.exit(1)
    evaluate_model(examples, out=sys.stdout)


COMMANDS = [model_group]
