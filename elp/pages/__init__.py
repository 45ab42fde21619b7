"""Pages about the service itself: contact and help, and the cookies it sets."""
