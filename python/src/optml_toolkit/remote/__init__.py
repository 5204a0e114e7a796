"""The job side of remote functions: the invoker `train remote-function` runs, and the
error classes it pickles. Kept free of imports: the invoker imports this package first."""
