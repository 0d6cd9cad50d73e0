"""Password rules for a portal holding children's data: Django's validators, with Vietnamese names understood."""

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator

from tanloi_portal.text import fold


class _Folded:
    """The user's attributes without accents and spaces, as a user object for Django's similarity check."""

    def __init__(self, user, attributes):
        self._meta = user._meta
        for name in attributes:
            value = getattr(user, name, None)
            setattr(self, name, fold(value).replace(" ", "") if isinstance(value, str) else None)


class VietnameseAttributeSimilarityValidator(UserAttributeSimilarityValidator):
    """Also refuses a password too close to the user name or full name once accents and spaces are gone.

    Django compares the password as typed with "Nguyễn Thị Hồng Nhung" and lets "nguyenthihongnhung" through;
    a Vietnamese name is mostly typed without its accents, so it is compared folded as well.
    """

    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "email")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def validate(self, password, user=None):
        super().validate(password, user)
        if user is not None:
            # Separators are dropped too, so "Nhung-Nguyen-Thi-Hong" is compared as one word with the name.
            folded = "".join(ch for ch in fold(password) if ch.isalnum())
            super().validate(folded, _Folded(user, self.user_attributes))
