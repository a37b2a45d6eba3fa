from .navigation import menu_for, public_menu


def navigation(request):
    """The menu for the current user, each entry marked `current` when it is the page shown, so
    both the phone drawer and the desktop bar can say where the user is (aria-current)."""
    user = getattr(request, "user", None)
    sections = menu_for(user) if user is not None and user.is_authenticated else []
    path = getattr(request, "path", "")
    public = [{**item, "current": item["url"] == path} for item in public_menu()]
    for section in sections:
        section["items"] = [{**item, "current": item["url"] == path} for item in section["items"]]
        section["current"] = section["start"] == path or any(item["current"] for item in section["items"])
    return {"nav_public": public, "nav_sections": sections, "nav_path": path}
