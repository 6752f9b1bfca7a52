"""The cluster's year-end conference (hội nghị tổng kết): roster, check-ins and quorum."""
