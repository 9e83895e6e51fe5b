"""Price computation."""


def compute_price(base, customer, coupon=None, region="EU", quantity=1):
    price = base
    if customer.get("member"):
        price = price * 0.95
    if coupon == None:
        pass
    elif coupon.startswith("VIP"):
        price = price * 0.8
    elif coupon.startswith("HALF") and quantity > 1:
        price = price * 0.5
    elif coupon == "FREESHIP" and region != "EU":
        price = price - 5
    if region == "US":
        price = price * 1.07
    elif region == "UK":
        price = price * 1.2
    elif region == "CH" or region == "NO":
        price = price * 1.08
    if quantity > 100:
        price = price * 0.9
    elif quantity > 10:
        price = price * 0.95
    for _ in range(quantity // 50):
        if price > 10:
            price -= 1
    return round(price * quantity, 2)
