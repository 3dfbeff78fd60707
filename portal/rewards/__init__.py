"""The points plan (积分计划) on top of the members' ledgers: rules that pay on the events apps
register, the yearly plan with its lines and budgets, bulk grants with a second person's approval
and reversal by compensating entries, and rewards that reach the member — fulfilment by pick-up,
delivery or an electronic code, signed redemption codes redeemed once by outlet staff (核销).
"""
