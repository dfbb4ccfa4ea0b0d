from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="days until it expires (default: setting)")

    def handle(self, *args, username, name, days, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user named {username!r}.") from None
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        token, key = api_token_create(user=user, name=name, days=days)
        self.stdout.write(key)
        self.stderr.write(f"Token {token.prefix}… for {username} expires {token.expires_at:%Y-%m-%d %H:%M %Z}.")
