"""The literature index: PubMed sources, chunking, embeddings, vector and lexical stores, hybrid retrieval."""
