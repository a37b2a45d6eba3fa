"""The benchmark's baseline (settings.PORTAL_BENCH only): one primary-key query behind the same
middleware and session authentication as every page, so `make bench` can say how many times
slower each real page is than the cheapest authenticated request this stack can answer."""


from django.http import JsonResponse

from accounts.models import User

from .permissions import SIGNED_IN, permission_required


@permission_required(SIGNED_IN)
def baseline(request):
    person = User.objects.only("pk", "username").get(pk=request.user.pk)
    return JsonResponse({"id": person.pk, "username": person.username})
