"""Import every feature's models, so the metadata (create_all, migrations) sees them all."""

from elp.accounts import models as accounts_models  # noqa: F401
from elp.api import models as api_models  # noqa: F401
from elp.audit import AuditEvent  # noqa: F401
from elp.billing import models as billing_models  # noqa: F401
from elp.bookings import models as bookings_models  # noqa: F401
from elp.negotiation import models as negotiation_models  # noqa: F401
from elp.notifications import models as notifications_models  # noqa: F401
from elp.offers import models as offers_models  # noqa: F401
from elp.operations import models as operations_models  # noqa: F401
from elp.search import models as search_models  # noqa: F401
from elp.settings import models as settings_models  # noqa: F401
