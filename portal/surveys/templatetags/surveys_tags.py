from django import template

register = template.Library()


@register.filter
def answer_for(data, key):
    """One value given for a field (posted form data or a saved draft), or ""."""
    if not data:
        return ""
    value = data.get(key, "")
    if isinstance(value, list):
        return value[0] if value else ""
    return "" if value is None else value


@register.filter
def answers_for(data, key) -> list:
    """Every value given for a field (the boxes of a multiple choice)."""
    if not data:
        return []
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
