from narrascope.cli.main import main

main()
