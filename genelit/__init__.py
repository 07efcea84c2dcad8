"""genelit: a literature and knowledge assistant for genetics research."""
