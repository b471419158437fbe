"""Public outcome pages: no login; every figure follows the disclosure rule."""
