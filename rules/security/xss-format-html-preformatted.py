from django.utils.html import format_html
from django.utils.translation import gettext as _


def user_link(user):
    # ruleid: xss-format-html-preformatted
    return format_html(f'<a href="/users/{user.pk}/">{user.get_full_name()}</a>')


def badge(label, css):
    # ruleid: xss-format-html-preformatted
    return format_html('<span class="%s">{}</span>' % css, label)


def greeting(name):
    # ruleid: xss-format-html-preformatted
    return format_html(_("Hello <b>{name}</b>").format(name=name))


def row(cells):
    # ruleid: xss-format-html-preformatted
    return format_html("<tr>" + "".join(cells) + "</tr>")


def title(heading, text):
    # ruleid: xss-format-html-preformatted
    return format_html(
        f"<h1>{heading}</h1><p>{{}}</p>",
        text,
    )


def user_link_safe(user):
    # ok: xss-format-html-preformatted
    return format_html('<a href="/users/{}/">{}</a>', user.pk, user.get_full_name())


def literal_parts(label):
    # ok: xss-format-html-preformatted
    return format_html("<span>" "{}" "</span>", label)


def literal_concat(label):
    # ok: xss-format-html-preformatted
    return format_html("<span>" + "{}</span>", label)


def braces_only(label):
    # ok: xss-format-html-preformatted
    return format_html(f"<span>{{}}</span>", label)


def literal_percent(label):
    # ok: xss-format-html-preformatted
    return format_html("<span class='%s'>{}</span>" % "badge", label)


ICON = "<i class='icon'></i>"
banner = "<marquee>" + "news"


def with_icon(label):
    # ok: xss-format-html-preformatted
    return format_html("%s {}" % ICON, label)


def with_icon_concat(label):
    # ok: xss-format-html-preformatted
    return format_html("<span>" + ICON + " {}</span>", label)


def with_banner():
    # ruleid: xss-format-html-preformatted
    return format_html("<div>%s</div>" % banner)
