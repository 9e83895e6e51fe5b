from lxml import etree


def parse_invoice(data: bytes):
    # ruleid: xxe-lxml-resolve-entities
    parser = etree.XMLParser(resolve_entities=True)
    return etree.fromstring(data, parser)


def parse_with_dtd(path):
    # ruleid: xxe-lxml-resolve-entities
    parser = etree.XMLParser(load_dtd=True, no_network=False)
    return etree.parse(path, parser)


def parse_invoice_safe(data: bytes):
    # ok: xxe-lxml-resolve-entities
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(data, parser)


def parse_huge(data: bytes):
    # ok: xxe-lxml-resolve-entities
    parser = etree.XMLParser(huge_tree=False, remove_blank_text=True)
    return etree.fromstring(data, parser)
