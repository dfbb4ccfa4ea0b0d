"""Stub: being built (issue 15)."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class ReferenceFigureListView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise NotFound
