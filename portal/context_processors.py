from .navigation import menu_for, public_menu


def navigation(request):
    user = getattr(request, "user", None)
    sections = menu_for(user) if user is not None and user.is_authenticated else []
    return {"nav_public": public_menu(), "nav_sections": sections}
