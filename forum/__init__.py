"""The forum area, built on django-machina: ``forum.boards`` (boards, owners' boards, posting
rules, the member's posts), ``forum.cases`` (complaints and suggestions as cases) and
``forum.machina_apps`` (overrides of machina's own apps). Top-level modules hold what every forum
page shares: who may read what (``visibility``), machina's permission handler (``permissions``)
and safe rendering of posts (``rendering``). The forum may use ``portal.members``; the members'
domain never imports the forum.
"""
