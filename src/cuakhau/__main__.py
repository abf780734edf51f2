from cuakhau.cli.app import main

main()
