"""SQL of the councils context (schema ``nominations``)."""
