import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no image file, no external service)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")
