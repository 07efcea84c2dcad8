"""`genelit clinvar`, `snp` and `blast`: NCBI's databases online (set GENELIT_ENTREZ__EMAIL)."""

from __future__ import annotations

from typing import Annotated

import typer

from genelit.cli import render, render_variants
from genelit.cli.app import JsonOpt, app, assistant, err, exit_2_on_user_error
from genelit.types import BLAST_PROGRAMS


@app.command("clinvar", epilog="Examples:\n\n  genelit clinvar TP53 p.R175H\n\n  genelit clinvar BRCA1 C61G --json")
@exit_2_on_user_error
def clinvar(
    ctx: typer.Context,
    gene: Annotated[str, typer.Argument(help="Gene symbol or alias.")],
    variant: Annotated[str, typer.Argument(help="Protein change: p.Arg175His, p.R175H or R175H.")],
    as_json: JsonOpt = False,
) -> None:
    """ClinVar's germline classification, review status and conditions for a protein change (online)."""
    render.show(assistant(ctx).clinvar(gene, variant), as_json, render_variants.clinvar_lookup)


@app.command("snp", epilog="Examples:\n\n  genelit snp rs1042522\n\n  genelit snp rs429358 --json")
@exit_2_on_user_error
def snp(ctx: typer.Context, rsid: Annotated[str, typer.Argument(help="dbSNP id, e.g. rs1042522.")], as_json: JsonOpt = False) -> None:
    """dbSNP's record of an rsID: chromosome and position on GRCh38, genes and alleles (online)."""
    render.show(assistant(ctx).snp(rsid), as_json, render.snp_record)


@app.command(
    "blast",
    epilog="Examples:\n\n  genelit blast ATTCTGCCTTTAGTAATTTGATGACAGAGACTTCTTGG --program megablast\n\n"
    "  genelit blast query.fasta --program blastp --database swissprot --json",
)
@exit_2_on_user_error
def blast(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A sequence, or a FASTA file (its first record).")],
    program: Annotated[str, typer.Option("--program", help=f"One of {', '.join(BLAST_PROGRAMS)}.")] = "blastn",
    database: Annotated[str, typer.Option("--database", help="NCBI database: nt, nr, refseq_rna, refseq_protein, swissprot...")] = "nt",
    top: Annotated[int, typer.Option("--top", min=1, max=50, help="How many hits.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Search NCBI with BLAST (online). NCBI allows one request every 10 s and one status check a minute, so a search
    takes a minute or more; the request id is printed so a long one can be found again."""
    def waiting(rid: str, seconds: float) -> None:
        if not as_json:
            err.print(f"· BLAST {rid}: running, {seconds:.0f} s so far")

    render.show(assistant(ctx).blast(query, program, database, top, waiting), as_json, render.blast_result)
