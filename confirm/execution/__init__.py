"""强制执行 after non-performance: the obligee's 强制执行申请书 and the execution-filing record (issue 15 item 4)."""
