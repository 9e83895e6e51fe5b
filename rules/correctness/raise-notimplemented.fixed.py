class Shape:
    def area(self):
        # ruleid: raise-notimplemented
        raise NotImplementedError

    def perimeter(self):
        # ruleid: raise-notimplemented
        raise NotImplementedError("subclasses must implement perimeter")

    def scale(self, factor):
        # ok: raise-notimplemented
        raise NotImplementedError

    def __eq__(self, other):
        # ok: raise-notimplemented
        return NotImplemented
