from django.db import migrations
from django.utils import timezone


def fulfil_existing_requests(apps, schema_editor):
    """Requests made before fulfilment existed join the pipeline without losing a row.

    Approved ones were charged and handed over by hand: fulfilled. Pending ones with a hold
    reserve their unit of stock now (the new pipeline reserves it at request); when none is
    left, or no points were held for them, they are declined and the hold released.
    """
    RedemptionRequest = apps.get_model("portal", "RedemptionRequest")
    RedemptionItem = apps.get_model("portal", "RedemptionItem")
    PointsHold = apps.get_model("portal", "PointsHold")
    Fulfilment = apps.get_model("rewards", "Fulfilment")
    now = timezone.now()
    for request in RedemptionRequest.objects.filter(fulfilment__isnull=True).order_by("pk"):
        status = {"approved": "fulfilled", "rejected": "rejected"}.get(request.status, "requested")
        if status == "requested":
            hold = PointsHold.objects.filter(
                source_key=f"redemption:{request.pk}", status="held"
            ).first()
            item = RedemptionItem.objects.get(pk=request.item_id)
            if hold is not None and item.stock > 0:
                item.stock -= 1
                item.save(update_fields=["stock"])
            else:
                status = "rejected"
                if hold is not None:
                    hold.status = "released"
                    hold.settled_at = now
                    hold.save(update_fields=["status", "settled_at"])
                request.status = "rejected"
                request.reject_reason = "库存不足或积分未冻结，请重新申请"
                request.decided_at = now
                request.save(update_fields=["status", "reject_reason", "decided_at"])
        Fulfilment.objects.create(
            request=request,
            method="pickup",
            status=status,
            created_at=request.created_at,
            updated_at=now,
            fulfilled_at=request.decided_at if status == "fulfilled" else None,
        )


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial"), ("portal", "0008_points_rule_conditions")]

    operations = [migrations.RunPython(fulfil_existing_requests, migrations.RunPython.noop)]
