"""`genelit gene`, `seq add`, `variant`, `scan` and `annotate`: genes, proteins and variants."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genelit.cli import output as writes
from genelit.cli import render, render_variants
from genelit.cli.app import CdsOpt, FastaOpt, JsonOpt, ScorerOpt, app, assistant, err, exit_2_on_user_error, genes_app, out, seq_app
from genelit.errors import BadInputError
from genelit.files import check_image_path
from genelit.types import GeneMethod


@app.command("gene", epilog="Examples:\n\n  genelit gene LMP10\n\n  genelit gene P04637 --json\n\n  genelit gene TP53 --online")
@exit_2_on_user_error
def gene(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Symbol, alias, previous symbol, HGNC/Entrez/Ensembl/UniProt id.")],
    online: Annotated[bool, typer.Option("--online", metavar="", help="Add the NCBI Gene summary and location (needs GENELIT_ENTREZ__EMAIL).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Look a gene up in the HGNC table (offline); an ambiguous alias lists every candidate."""
    match = assistant(ctx).gene(query, online)
    render.show(match, as_json, render.gene_match)


@genes_app.command("update", epilog="Examples:\n\n  genelit genes update                 # NCBI's current table, a few MB\n\n"
                   "  genelit genes update --from ../shared/data/ncbi_gene/Homo_sapiens.gene_info.gz")
@exit_2_on_user_error
def genes_update(
    ctx: typer.Context,
    source: Annotated[str | None, typer.Option("--from", help="A local copy of Homo_sapiens.gene_info.gz, or a URL; "
                                               "default: NCBI's FTP site over HTTPS.")] = None,
) -> None:
    """Fetch NCBI Gene's human table once: synonyms HGNC lacks, chromosomal locations, gene types, offline from then on."""
    err.print(f"reading {source or 'NCBI Gene'}…")
    path, count = assistant(ctx).update_gene_info(source)
    out.print(f"NCBI Gene: {count:,} human genes checked and kept in {path}; `genelit gene` now shows locations and NCBI synonyms")


@seq_app.command("add", epilog="Example:\n\n  genelit seq add proteins.fasta")
@exit_2_on_user_error
def seq_add(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Protein FASTA; the gene symbol is the header's second word, or its only one.")],
    translate: Annotated[bool, typer.Option("--translate", metavar="", help="Store the translation of nucleotide (CDS) records.")] = False,
    replace: Annotated[bool, typer.Option("--replace", metavar="", help="Allow several sequences for one gene in the file; the last wins.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Store proteins by gene so that variants can be scored offline; a replaced sequence is named."""
    render.show(assistant(ctx).add_sequences(path, translate, replace), as_json, render.stored_proteins)


@seq_app.command("fetch", epilog="Example:\n\n  GENELIT_ENTREZ__EMAIL=you@lab.org genelit seq fetch TP53 BRCA1")
@exit_2_on_user_error
def seq_fetch(
    ctx: typer.Context,
    genes: Annotated[list[str], typer.Argument(help="Gene symbols (or unambiguous aliases).")],
    as_json: JsonOpt = False,
) -> None:
    """Fetch each gene's RefSeq protein from NCBI once and store it, so its variants are scored offline from then on."""
    render.show(assistant(ctx).fetch_sequences(genes), as_json, render.stored_proteins)


@app.command("variant", epilog="Examples:\n\n  genelit variant TP53 p.R175H\n\n  genelit variant BRCA1 C61G R71G --scorer esm2 --json\n\n"
             "  genelit variant BRCA1 c.181T>G --cds BRCA1_mRNA.gb")
@exit_2_on_user_error
def variant(
    ctx: typer.Context,
    gene_name: Annotated[str, typer.Argument(metavar="GENE", help="Gene symbol or alias.")],
    variants: Annotated[list[str], typer.Argument(help="Protein (p.Arg175His, R175H) or coding (c.181T>G, needs --cds) variants.")],
    scorer: ScorerOpt = None,
    fasta: FastaOpt = None,
    cds: CdsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Each variant's dossier: the change read (and its consequence, for c.), its score as ACMG computational evidence
    (PP3/BP4 at a calibrated strength, or none), the indexed papers naming it by kind of evidence and direction, other
    changes at its residue, and ClinVar and dbSNP frequencies when online. Evidence by kind, not a classification.

    Variants that cannot be read or scored are listed on stderr (in --json, as error items); exit 1 when some
    failed, 2 when all did.
    """
    report = assistant(ctx).variants(gene_name, variants, cds, scorer, fasta)
    render.show(report, as_json, render_variants.variant_report)
    if report.failures:
        raise typer.Exit(2 if report.all_failed else 1)


@app.command("scan", epilog="Example:\n\n  genelit scan TP53 --region 94-292 -o tp53.png")
@exit_2_on_user_error
def scan(
    ctx: typer.Context,
    gene_name: Annotated[str, typer.Argument(metavar="GENE")],
    region: Annotated[str | None, typer.Option("--region", help="START-END residues; default the whole protein.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Heatmap PNG; a CSV of the matrix is written beside it.")] = None,
    scorer: ScorerOpt = None,
    fasta: FastaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Saturation scan: all 19 substitutions at every position, as a heatmap, a CSV and a summary."""
    if output is not None:
        check_image_path(output)  # before the scan, which can take minutes on a long protein
    result = assistant(ctx).scan(gene_name, region, scorer, fasta)
    summary = result.save(output) if output is not None else result.summary
    render.show(summary, as_json, render.scan_summary)


@app.command("annotate", epilog="Examples:\n\n  genelit annotate NC_005816.gb                     # genes (Prodigal), compared with the annotation\n\n"
             "  genelit annotate genome.fna -o genes.gff3 --proteins genes.faa\n\n"
             "  genelit annotate contigs.fa --meta --json\n\n  genelit annotate --seq ATGAAACCC...TAA --orfs --min-orf 30")
@exit_2_on_user_error
def annotate(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="FASTA or GenBank file, one or many records.")] = None,
    seq: Annotated[str | None, typer.Option("--seq", help="A sequence given directly.")] = None,
    table: Annotated[int | None, typer.Option("--table", help="NCBI genetic code; default: the GenBank record's, else 11 "
                                              "for genes and 1 for ORFs.")] = None,
    orfs: Annotated[bool, typer.Option("--orfs", metavar="", help="The six-frame ORF scan instead of gene prediction (a quick look).")] = False,
    meta: Annotated[bool, typer.Option("--meta", metavar="", help="Prodigal's metagenomic models (default under 100 kb).")] = False,
    single: Annotated[bool, typer.Option("--single", metavar="", help="Train Prodigal on the sequence itself (default from 100 kb).")] = False,
    min_orf: Annotated[int | None, typer.Option("--min-orf", min=1, help="Shortest ORF reported, in residues (default 100).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the genes as GFF3.")] = None,
    proteins: Annotated[Path | None, typer.Option("--proteins", help="Write the predicted proteins as FASTA.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Genes (Prodigal) or ORFs, GC content and CpG islands, protein properties; GenBank CDS compared with predictions."""
    if orfs + meta + single > 1:
        raise BadInputError("--orfs, --meta and --single choose one method", "give at most one of them")
    method: GeneMethod = "orfs" if orfs else "meta" if meta else "single" if single else "auto"
    writes.save_annotations(assistant(ctx).annotate_each(path, seq, table, min_orf, method), output, proteins, as_json)


@app.command("align", epilog="Examples:\n\n  genelit align MKTAYIAKQRQISFVKSHFSRQ MKTAYIAKQRISFVKSHFSRQ\n\n"
             "  genelit align a.faa b.faa --local --json\n\n  genelit align contigs.fa --ref genome.fna        # minimap2")
@exit_2_on_user_error
def align(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="A sequence, or a FASTA/GenBank file (its first record; all records with --ref).")],
    b: Annotated[str | None, typer.Argument(help="The second sequence or file (not with --ref).")] = None,
    ref: Annotated[Path | None, typer.Option("--ref", help="Map A onto this DNA reference with minimap2 instead.")] = None,
    local: Annotated[bool, typer.Option("--local", metavar="", help="Local alignment (the best-matching parts), not global.")] = False,
    preset: Annotated[str | None, typer.Option("--preset", help="minimap2 preset with --ref: sr, map-ont, map-pb, asm5, asm20 "
                                               "(default: sr under 1 kb, else asm5).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Pairwise alignment of two sequences (identity, similarity, gaps, coverage), or DNA mapped onto a reference."""
    if (b is None) == (ref is None):
        raise BadInputError("give a second sequence, or --ref REFERENCE, but not both", "genelit align A B, or genelit align A --ref REF")
    helper = assistant(ctx)
    if ref is not None:
        render.show(helper.map_to_reference(a, ref, preset), as_json, render.mappings)
    else:
        render.show(helper.align(a, b or "", "local" if local else "global"), as_json, render.pairwise)
