from tests.matrix import Case

CASES: list[Case] = []
