import xml.sax
from xml.sax.handler import feature_external_ges, feature_namespaces


def parse_feed(stream, handler):
    parser = xml.sax.make_parser()
    # ruleid: xxe-xml-sax-external-entities
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(handler)
    parser.parse(stream)


def parse_feed_pes(stream, handler):
    parser = xml.sax.make_parser()
    # ruleid: xxe-xml-sax-external-entities
    parser.setFeature("http://xml.org/sax/features/external-parameter-entities", 1)
    parser.parse(stream)


def parse_feed_safe(stream, handler):
    parser = xml.sax.make_parser()
    # ok: xxe-xml-sax-external-entities
    parser.setFeature(feature_external_ges, False)
    # ok: xxe-xml-sax-external-entities
    parser.setFeature(feature_namespaces, True)
    parser.parse(stream)
