"""NCBI, online: the E-utilities client (searches, PubMed records, summaries, one at a time within NCBI's rate), the
ClinVar, dbSNP and BLAST records read from it, and NCBI Gene's human table downloaded for offline use.

Nothing here runs offline, and nothing else in genelit speaks HTTP to NCBI: the services reach NCBI only through it.
"""
