"""Django's and Django REST framework's own messages, reworded in plain Japanese (issue 14: no framework wording such as
「このフィールドは必須です。」 or 「この値は 0 以上でなければなりません。」 on our pages and in our API).

The msgids below are Django's (DJANGO_MESSAGES) and DRF's (DRF_MESSAGES), character for character;
marking them here keeps them in Kyoso's catalogue (makemessages), and Kyoso's catalogue (LOCALE_PATHS)
takes precedence over theirs. The
Japanese lives in locale/ja/LC_MESSAGES/django.po like every other string; nothing here is called."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("This field cannot be blank."),
    gettext_noop("This field cannot be null."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid date/time."),
    gettext_noop("Enter a valid URL."),
    gettext_noop("Enter a valid email address."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("File extension “%(extension)s” is not allowed. Allowed extensions are: %(allowed_extensions)s."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("Ensure this value has at most %(limit_value)d character (it has %(show_value)d)."),
]
DJANGO_PLURALS = ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
DRF_MESSAGES = [
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop('"{input}" is not a valid choice.'),
]
