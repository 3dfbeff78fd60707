from django import template

from portal.members import privacy

register = template.Library()


@register.filter
def mask_mobile(value):
    return privacy.mask_mobile(value)


@register.filter
def mask_email(value):
    return privacy.mask_email(value)


@register.filter
def mask_name(value):
    return privacy.mask_name(value)
