"""The complaint categories of the demo and the synthetic city, with their time limits and
how often residents raise each (the weights drawn from by both generators)."""

from complaints.models import Category, HandlerKind

F, C, G = HandlerKind.FIRM, HandlerKind.COMMUNITY, HandlerKind.GRID
# (code, name, hours to respond, working days to resolve, default handler, weight, children)
CATEGORIES = [
    ("sanitation", "环境卫生", 24, 2, F, 14, []),
    ("repair", "设施维修", 24, 3, F, 0, [
        ("repair-utilities", "水电气暖", 4, 3, F, 14),
        ("repair-elevator", "电梯", 2, 2, F, 6),
        ("repair-access", "门禁", 12, 3, F, 5),
        ("repair-streetlight", "路灯", 24, 5, F, 4),
    ]),
    ("greening", "绿化养护", 48, 7, F, 6, []),
    ("parking", "停车秩序", 24, 5, C, 10, []),
    ("safety", "治安消防", 2, 2, G, 5, []),
    ("fees", "物业收费", 24, 5, C, 7, []),
    ("noise", "噪音扰民", 12, 3, G, 8, []),
    ("neighbours", "邻里纠纷", 24, 10, G, 6, []),
    ("attitude", "服务态度", 24, 5, C, 5, []),
    ("other", "其他", 24, 5, C, 4, []),
]

def seed_categories() -> dict[str, Category]:
    result = {}
    for order, (code, name, hours, days, handler, _weight, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "hours_to_respond": hours,
                                 "days_to_resolve": days, "default_handler": handler,
                                 "order": order * 10},
        )
        result[code] = parent
        for sub_order, (sub_code, sub_name, sub_hours, sub_days, sub_handler, _w) in enumerate(
            children, start=1
        ):
            result[sub_code], _ = Category.objects.get_or_create(
                code=sub_code, defaults={
                    "parent": parent, "name": sub_name, "hours_to_respond": sub_hours,
                    "days_to_resolve": sub_days, "default_handler": sub_handler,
                    "order": order * 10 + sub_order,
                },
            )
    return result


def category_weights():
    codes, weights = [], []
    for code, _name, _h, _d, _handler, weight, children in CATEGORIES:
        if children:
            for sub_code, *_rest, sub_weight in children:
                codes.append(sub_code)
                weights.append(sub_weight)
        else:
            codes.append(code)
            weights.append(weight)
    return codes, weights
