"""Voice of the customer: recurring issues mined from what members write, the improvement list
(改进清单) that departments act on, and the reports and monthly mail built on both."""
