import io

from django.core.management import call_command

from portal.surveys import demo
from portal.surveys.models import OwnersVote, SurveyPage, VoteBallot
from portal.surveys.selectors import vote_tally


def test_seed_demo_opens_a_survey_and_a_vote_for_owner1(db, client):
    call_command("seed_demo", stdout=io.StringIO())
    demo.seed(io.StringIO())  # idempotent

    assert SurveyPage.objects.count() == 1 and OwnersVote.objects.count() == 1
    vote = OwnersVote.objects.get()
    assert VoteBallot.objects.filter(vote=vote).count() == 4
    assert vote_tally(vote=vote).total_units == 8
    client.login(username="owner1", password="demo12345")
    html = client.get("/surveys/").content.decode()
    assert html.count('data-testid="survey"') == 1 and html.count('data-testid="vote"') == 1
    assert 'data-testid="vote-cast"' in client.get(f"/surveys/votes/{vote.pk}/").content.decode()
